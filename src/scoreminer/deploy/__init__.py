"""Packaging the miner for where it runs: `docker` writes the image Turbo Vision's private track deploys."""
