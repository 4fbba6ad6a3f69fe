"""The chain side: a subtensor connection, SCALE types, the metagraph fetch, nodes, snapshots and sync."""
