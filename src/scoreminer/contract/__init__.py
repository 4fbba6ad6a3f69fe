"""The validator ↔ miner contracts, one module per protocol.

- `score_vision`: Score Vision's `POST /soccer/challenge` (boxes and 32 pitch keypoints for every frame), and
  the class table and keypoint count every layer of the pipeline shares.
- `turbovision`: Turbo Vision's private-track `POST /challenge` (the football actions seen in a clip).
"""
