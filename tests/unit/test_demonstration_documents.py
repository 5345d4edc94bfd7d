"""The commendation document (seeds/000 四、表彰) and the 推荐表's indicator part as XLSX in the
form's own layout, both ways, each refused cell named."""

from datetime import date

import pytest

from domain.demonstration.documents import Commended, commendation
from domain.demonstration.policy import DEMONSTRATION_2017 as P
from domain.errors import DomainError
from service.demonstration.indicators_xlsx import read, template


def test_the_commendation_lists_the_approved_clusters_with_their_votes_and_the_cap():
    doc = commendation("conf-2027", "2027年评选", "中轻联综字〔2027〕15号", date(2027, 7, 15), date(2027, 6, 28),
                       [Commended("cer-01", "中国陶瓷之都·佛山", "中国陶瓷工业协会", 7, 7)], 5, 28)
    text = doc.text()
    assert "中轻联综字〔2027〕15号" in text and "中国陶瓷之都·佛山 | cer-01 | 中国陶瓷工业协会 | 7／7" in text
    assert "有效共建称号 28 个，上限 5 个" in text and doc.slug == "commendation-conf-2027"


def full() -> dict:
    return {i.key: {"value": 3.0, **({"share": 1.5} if i.with_share else {})} for i in P.indicators}


def test_the_indicator_template_reads_back_what_it_was_filled_with():
    assert read(template(2026, full())) == (2026, full())


def test_a_refused_indicator_cell_is_named():
    from openpyxl import load_workbook
    import io

    wb = load_workbook(io.BytesIO(template(2026, full())))
    wb["主要指标"]["C6"] = "很多"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(DomainError) as e:
        read(buf.getvalue())
    assert "C6" in e.value.message and "特色产品销售额" in e.value.message
    with pytest.raises(DomainError) as e:
        read(b"not a workbook")
    assert e.value.code == "invalid_data"
