"""`scoreminer evaluate`: any YOLO-format labelled folder run through serve's models and judged per class.

dataset   the folder read once into typed frames (Roboflow `data.yaml` or `images/` + `labels/`)
metrics   detection precision/recall/F1/AP50 at IoU 0.5 and keypoint recall within a pixel radius
runner    the frames through the same detector, sizes, floors and registration that `serve` uses
"""
