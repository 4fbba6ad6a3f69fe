"""`check-env` / `doctor`: every way a miner is known to break in the field, checked in one go."""

from scoreminer.doctor.report import Check, DoctorReport
from scoreminer.doctor.runner import run_doctor

__all__ = ["Check", "DoctorReport", "run_doctor"]
