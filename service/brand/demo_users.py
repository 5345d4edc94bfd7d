"""Program 4's demo logins for ``make run`` (password ``<username>-demo``), one per role; their
signing names match the actors of the demo set (service.brand.demo)."""

from __future__ import annotations

from service.cnlic.demo_users import DemoUser

DEMO_USERS = (
    DemoUser("body", "implementing_body", "【演示】瓷都产业集聚区管委会", clusters=("demo-brand-ceramics", "demo-brand-tea",
                                                                          "demo-brand-silk", "demo-brand-furniture")),
    DemoUser("city", "local_government", "【演示】景德镇市人民政府", cities=("景德镇市", "九江市", "赣州市")),
    DemoUser("province-dept", "province_department", "【演示】江西省工业和信息化厅", provinces=("江西省",)),
    DemoUser("miit", "miit_reviewer", "【演示】工业和信息化部科技司"),
    DemoUser("brand-expert", "expert", "【演示】王评审"),
)
