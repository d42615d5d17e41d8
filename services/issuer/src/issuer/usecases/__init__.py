"""What the issuer does, one module per noun: domain rules plus reads and durable writes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

Clock = Callable[[], datetime]
