"""The miner service: start-up, the challenge gate, downloads, and the FastAPI app."""
