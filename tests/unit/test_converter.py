"""The process's data converter (``service.converter``): the worker builds payload converters per
workflow instance and per activation, so they share one JSON converter and its type adapters —
and still convert like temporalio's pydantic converter."""

from __future__ import annotations

from datetime import date

from domain.cnlic.model import Actor, Event
from service.converter import CONVERTER, PayloadConverter


def test_payload_converters_share_their_json_converter():
    a, b = PayloadConverter(), PayloadConverter()
    assert a is not b and a.converters[b"json/plain"] is b.converters[b"json/plain"]
    assert list(a.converters) == list(b.converters)


def test_values_round_trip_through_the_converter():
    event = Event(seq=3, on=date(2027, 4, 30), kind="overdue", data={"what": "annual_report"},
                  actor=Actor("system", "系统"))
    payloads = CONVERTER.payload_converter.to_payloads([event, {"n": 1}, None, b"raw"])
    back = CONVERTER.payload_converter.from_payloads(payloads, [Event, dict, type(None), bytes])
    assert back == [event, {"n": 1}, None, b"raw"]
