"""scoreminer: run and tune a Score Vision (Bittensor subnet 44) miner."""

__version__ = "0.1.0"
