"""What light and the camera do to a painted frame: exposure, tint, a stand's shadow, motion blur, noise, JPEG."""

from __future__ import annotations

import cv2
import numpy as np

from scoreminer.demo.camera import Camera
from scoreminer.demo.look import Look
from scoreminer.pitch import LENGTH, WIDTH


def apply_effects(image: np.ndarray, camera: Camera, look: Look, rng: np.random.Generator | None) -> np.ndarray:
    """The finished frame; `rng` None leaves out the random parts (noise)."""
    out: np.ndarray = image.astype(np.float32)
    if look.shadow < 1.0:
        out *= _shadow_mask(camera, look)[:, :, None]
    out = out * np.array(look.tint, np.float32) * look.gain + look.bias
    if look.blur_px > 1:
        kernel = np.full((1, look.blur_px), 1.0 / look.blur_px, np.float32)
        out = cv2.filter2D(out, -1, kernel)
    if rng is not None and look.noise > 0:
        out += rng.normal(0, look.noise, out.shape).astype(np.float32)
    frame = np.clip(out, 0, 255).astype(np.uint8)
    if look.jpeg:
        ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, look.jpeg])
        decoded = cv2.imdecode(data, cv2.IMREAD_COLOR) if ok else None
        return frame if decoded is None else np.asarray(decoded)
    return frame


def _shadow_mask(camera: Camera, look: Look) -> np.ndarray:
    """1 in the sun, `look.shadow` where the stand's shadow falls (the pitch beyond `shadow_x`, and its stands)."""
    mask = np.ones((camera.height, camera.width), np.float32)
    x0, x1, y0, y1 = look.shadow_x, LENGTH + 3000, -2000.0, WIDTH + 3000
    region = np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    pixels, front = camera.project(region)
    if front.all():
        cv2.fillPoly(mask, [np.round(pixels).astype(np.int32)], look.shadow, cv2.LINE_AA)
    return cv2.GaussianBlur(mask, (0, 0), 3)
