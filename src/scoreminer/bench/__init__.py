"""`scoreminer benchmark`: measured speed and quality cost of stride / batch / size / precision."""
