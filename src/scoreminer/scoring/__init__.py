"""The Score Vision validator's scoring, re-implemented: what an answer would earn, estimated offline.

Map of the package (each module one rule family of the published validator):

- `keypoint_filter`: which keypoints the validator uses (non-zero, in frame, 25 px apart).
- `homography`: the per-frame RANSAC fit to the pitch template and its inlier/reprojection score.
- `lines`: the painted lines the validator finds in a frame, and how close keypoints sit to them.
- `shots`: cuts from player jumps, keypoint stability and player plausibility per shot.
- `frame_terms`: objects projected inside the pitch and the keypoint/player scale ratio.
- `keypoint_score`: the weighted keypoint total in 0..1.
- `boxes`: the box size / scoreboard / ball rules and the area penalty (CLIP relabelling is not run).
- `speed`: the speed term.
- `frames`: which frames the validator scores (pitch-looking ones).
- `estimate`: everything above over one answer and one video.
"""
