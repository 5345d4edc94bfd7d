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


def all_demo_users() -> list[DemoUser]:
    """Program 1's demo logins, then those of programs 2–4 (service.programs)."""
    from service import programs

    return [*DEMO_USERS, *programs.demo_users()]


def ensure_demo_users(users: UserService) -> list[DemoUser]:
    """Create the demo users that are missing (a store made before a program arrived gets its
    logins too, never a second copy of one); returns those created."""
    known = {u.username for u, _ in users.list()}
    if known and not {u.username for u in DEMO_USERS} & known:
        return []  # a real deployment that happens to run with --demo: leave its users alone
    created = []
    for u in all_demo_users():
        if u.username in known:
            continue
        users.add(u.username, u.role, u.name, u.password, industries=u.industries, provinces=u.provinces,
                  clusters=u.clusters, cities=u.cities)
        created.append(u)
    return created
