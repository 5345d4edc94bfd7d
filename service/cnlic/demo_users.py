"""One demo login per role for ``make run --demo`` (printed in the banner). The passwords
are fixed and documented because this is a demo; they are stored hashed like any other."""

from __future__ import annotations

from dataclasses import dataclass

from domain.cnlic.access import User
from service.users import UserService


@dataclass(frozen=True)
class DemoUser(User):
    """A console user whose password is derived from the login, for the printed banner."""

    @property
    def password(self) -> str:
        return f"{self.username}-demo"


# the names match the actors of service.cnlic.demo, so the demo's history reads as theirs
DEMO_USERS = (
    DemoUser("secretariat", "secretariat", "综合业务部（演示）"),
    DemoUser("leader", "leader", "演示会领导"),
    DemoUser("association", "association", "中国陶瓷工业协会", industries=("陶瓷",)),
    DemoUser("provincial", "provincial", "江西省轻工业联合会", provinces=("江西省",)),
    DemoUser("expert", "expert", "李专家"),
    DemoUser("applicant", "applicant", "演示县人民政府", clusters=("demo-bamboo", "demo-ceramics")),
    DemoUser("auditor", "auditor", "审计（演示）"),
)


def ensure_demo_users(users: UserService) -> list[DemoUser]:
    """Create the demo users in a store that has no users yet; returns those created."""
    if users.count():
        return []
    for u in DEMO_USERS:
        users.add(u.username, u.role, u.name, u.password, industries=u.industries, provinces=u.provinces,
                  clusters=u.clusters)
    return list(DEMO_USERS)
