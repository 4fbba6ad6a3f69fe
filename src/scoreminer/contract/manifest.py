"""Turbo Vision's manifest: the Elements (tasks) validators score, their pillars, latency line and weight."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scoreminer.errors import ManifestError

SHIPPED = Path(__file__).parent / "manifests" / "football.json"
# The pillars each public category has a metric for (the validator's pillar registry); others raise there.
CATEGORY_PILLARS = {
    "PitchCalib": {"iou"},
    "Detect": {"iou", "count", "smoothness", "map50", "precision", "recall", "false_positive"},
    "PlayerDetect": {
        "iou", "count", "smoothness", "map50", "precision", "recall", "false_positive", "palette", "role",
        "keypoints_iou",
    },
}  # fmt: skip
MAX_REPO_BYTES = 30 * 1024 * 1024


class Metrics(BaseModel):
    model_config = ConfigDict(extra="ignore")
    pillars: dict[str, float]


class Element(BaseModel):
    """One task in the manifest; unknown keys are ignored, as the validator ignores them."""

    model_config = ConfigDict(extra="ignore")

    id: str
    track: str = "public"
    weight: float = 0.0
    metrics: Metrics
    latency_p95_ms: float | None = None
    service_rate_fps: float | None = None
    ground_truth: bool = True
    baseline_theta: float = 0.0
    delta_floor: float = 0.0
    beta: float = 1.0
    max_model_size_mb: float | None = None
    onnx_model: bool = False
    objects: list[str] = Field(default_factory=list)
    keypoint_template: str | None = None

    @model_validator(mode="after")
    def _pillars_sum_to_one(self) -> Element:
        total = sum(self.metrics.pillars.values())
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"{self.id}: pillar weights sum to {total}, not 1.0")
        return self

    @property
    def public(self) -> bool:
        return self.track != "private"

    @property
    def category(self) -> str:
        """The category the validator reads from the id: the name after the last '/', up to a '_' or '-'."""
        name = self.id.rsplit("/", 1)[-1]
        for category in sorted(CATEGORY_PILLARS, key=len, reverse=True):
            if name.startswith(category):
                return category
        return name.split("_")[0].split("-")[0]

    @property
    def scores_keypoints(self) -> bool:
        pillars = self.metrics.pillars
        return self.category == "PitchCalib" or "keypoints_iou" in pillars

    @property
    def latency_line_ms(self) -> float:
        """What the CPU compliance loop allows: the Element's p95 (100 when unset) plus 10 ms."""
        return (self.latency_p95_ms or 100.0) + 10.0

    @property
    def max_repo_bytes(self) -> int:
        return MAX_REPO_BYTES if self.max_model_size_mb is None else int(self.max_model_size_mb * 1024 * 1024)


class Manifest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    window_id: str = ""
    version: float | str = ""
    expiry_block: int | None = None
    elements: list[Element]

    def element(self, element_id: str | None) -> Element:
        """The Element with this id (or the first public one); ManifestError naming the ids there are."""
        public = [e for e in self.elements if e.public]
        if element_id is None:
            if not public:
                raise ManifestError("the manifest has no public Element", "pass a manifest with one (--manifest)")
            return public[0]
        for element in self.elements:
            if element.id == element_id:
                return element
        ids = ", ".join(e.id for e in self.elements)
        raise ManifestError(f"no Element {element_id!r} in the manifest", f"use one of: {ids}")


def read_manifest(path: Path | None = None) -> Manifest:
    """A manifest file (the shipped football one when none is given)."""
    path = path or SHIPPED
    if not path.is_file():
        raise ManifestError(f"manifest {path} not found", "pass an existing file with --manifest")
    return parse_manifest_document(path.read_text(), str(path))


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"])
    return f"{where}: {error['msg']}" if where else error["msg"]


def parse_manifest_document(text: str, where: str) -> Manifest:
    """A manifest from JSON or YAML text (the live index publishes YAML)."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ManifestError(
            f"{where} is neither JSON nor YAML ({str(exc).splitlines()[0]})", "check the file"
        ) from None
    if not isinstance(data, dict):
        raise ManifestError(f"{where} is not a Turbo Vision manifest (not a mapping)", "pass a manifest file")
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        raise ManifestError(f"{where} is not a Turbo Vision manifest ({_first_error(exc)})", "check the file") from None
