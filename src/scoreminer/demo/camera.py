"""A broadcast camera: a pinhole on the stand, panning after the play, projecting the pitch plane."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Camera:
    """Position (cm, pitch frame; z up), the point it looks at, and focal length in pixels."""

    position: tuple[float, float, float]
    target: tuple[float, float, float]
    focal: float
    width: int
    height: int

    def matrix(self) -> np.ndarray:
        """The 3×4 projection P = K [R | -R C]."""
        c = np.array(self.position)
        forward = np.array(self.target) - c
        forward /= np.linalg.norm(forward)
        right = np.cross(forward, [0.0, 0.0, 1.0])
        right /= np.linalg.norm(right)
        down = np.cross(forward, right)
        rotation = np.stack([right, down, forward])
        k = np.array([[self.focal, 0, self.width / 2], [0, self.focal, self.height / 2], [0, 0, 1]])
        return k @ np.hstack([rotation, (-rotation @ c)[:, None]])

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(N, 2|3) pitch points → (N, 2) pixels and a mask of points in front of the camera."""
        pts = np.asarray(points, np.float64)
        if pts.shape[1] == 2:
            pts = np.hstack([pts, np.zeros((len(pts), 1))])
        homogeneous = np.hstack([pts, np.ones((len(pts), 1))]) @ self.matrix().T
        depth = homogeneous[:, 2]
        in_front = depth > 1.0
        pixels = homogeneous[:, :2] / np.where(in_front, depth, 1.0)[:, None]
        return pixels, in_front

    def visible(self, pixels: np.ndarray, in_front: np.ndarray, margin: float = 0.0) -> np.ndarray:
        x, y = pixels[:, 0], pixels[:, 1]
        return in_front & (x >= margin) & (y >= margin) & (x < self.width - margin) & (y < self.height - margin)


def broadcast_camera(
    look_x: float,
    look_y: float,
    zoom: float,
    width: int,
    height: int,
    side_offset: float = 4500.0,
    elevation: float = 2200.0,
) -> Camera:
    """The main camera on the halfway line, behind the near touchline (y < 0), aimed at (look_x, look_y)."""
    return Camera(
        position=(6000.0, -side_offset, elevation),
        target=(look_x, look_y, 0.0),
        focal=zoom * width,
        width=width,
        height=height,
    )
