"""The data converter of client, worker and replayer: temporalio's pydantic converter, with its
type adapters shared by the whole process (issue 15).

The stock converter caches a ``TypeAdapter`` per type in each converter instance, and the
worker builds a new payload converter for every workflow instance it starts, continues as new
or replays after an eviction — so each rebuilt the schemas of ``DesignationInput`` and the
activity results (6% of the simulator's worker time). The types are the same objects in and out
of the sandbox (their modules pass through), so one cache serves every instance."""

from __future__ import annotations

import functools
from typing import Any

import temporalio.api.common.v1
from pydantic import TypeAdapter
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter
from temporalio.converter import (
    CompositePayloadConverter,
    DataConverter,
    DefaultPayloadConverter,
    JSONPlainPayloadConverter,
)

_adapter = functools.lru_cache(maxsize=1024)(TypeAdapter)


class SharedAdaptersJSONConverter(PydanticJSONPlainPayloadConverter):
    """``json/plain`` through pydantic, one ``TypeAdapter`` per type for the whole process."""

    def from_payload(self, payload: temporalio.api.common.v1.Payload, type_hint: type | None = None) -> Any:
        hint = type_hint if type_hint is not None else Any
        try:
            adapter = _adapter(hint)
        except TypeError:  # an unhashable hint: no cache
            adapter = TypeAdapter(hint)
        return adapter.validate_json(payload.data)


# Built once: the JSON converter keeps no state of its own (its adapters are the process's, its
# serialiser takes any value), and the worker builds two data converters — so two of these
# payload converters — for every workflow activation it handles (temporalio 1.35), each of which
# used to build a pydantic serialiser: 2–3% of the worker's busy time (py-spy, bench/throughput.py).
_ENCODINGS = tuple(SharedAdaptersJSONConverter() if isinstance(c, JSONPlainPayloadConverter) else c
                   for c in DefaultPayloadConverter.default_encoding_payload_converters)


class PayloadConverter(CompositePayloadConverter):
    """The default encodings, JSON through ``SharedAdaptersJSONConverter`` (nullary: the worker
    builds one per workflow instance and per activation)."""

    def __init__(self) -> None:
        super().__init__(*_ENCODINGS)


CONVERTER = DataConverter(payload_converter_class=PayloadConverter)
