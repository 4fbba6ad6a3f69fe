"""The miner service: start-up, the challenge queue, downloads, and the FastAPI app."""
