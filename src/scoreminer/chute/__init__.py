"""Turbo Vision's open-source track: build a chute miner folder from the models `serve` runs, check it the way the
validator's compliance loop does, and serve it the way the chute template does."""
