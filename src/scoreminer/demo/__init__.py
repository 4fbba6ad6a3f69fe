"""The demo: a synthetic broadcast match with exact ground truth, and small models trained on it."""
