"""Salary: employees, salary transactions (paid on the 25th), absence and attendance.

Transactions are laid out month by month (week by week for attendance), employee by employee,
so their dates and modification times grow with the position.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from fortnox_sandbox.model.clock import day_start
from fortnox_sandbox.model.context import Context
from fortnox_sandbox.model.detrand import money
from fortnox_sandbox.model.shape import shape
from fortnox_sandbox.model.store import NumberedSource, Record, Source

from . import names
from .people import email_for, person_name, personal_number, swedish_address


@dataclass(frozen=True)
class Person:
    number: str
    first: str
    last: str
    salary: Decimal
    hired: date
    title: str


class EmployeeSource(NumberedSource):
    touch_field = "JobTitle"

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.size = ctx.scale.employees
        self.profile = ctx.memo.memoize(self._profile)

    def _profile(self, pos: int) -> Person:
        rnd = self.ctx.rng("employees", pos)
        first, last = person_name(rnd)
        hired = self.ctx.years[0].start - timedelta(days=rnd.randint(0, 3000))
        salary = Decimal(rnd.randrange(28_000, 72_000, 500))
        return Person(str(pos + 1), first, last, salary, hired, rnd.choice(names.JOB_TITLES))

    def mtime(self, pos: int) -> float:
        return self.ctx.t0

    def build(self, pos: int) -> Record:
        p = self.profile(pos)
        rnd = self.ctx.rng("employees.detail", pos)
        a = swedish_address(rnd)
        values = {
            "@url": self.ctx.url(f"/employees/{p.number}"),
            "Address1": a.street,
            "AverageWeeklyHours": "40",
            "BankAccountNo": str(rnd.randint(10**9, 10**10 - 1)),
            "City": a.city,
            "ClearingNo": str(rnd.choice((6000, 8327, 5000, 3300))),
            "Country": "Sverige",
            "DatedWages": [
                {"EmployeeId": p.number, "FirstDay": p.hired, "MonthlySalary": p.salary}
            ],
            "DatedSchedules": [{"EmployeeId": p.number, "FirstDay": p.hired, "ScheduleId": "HEL"}],
            "Email": email_for(p.first, p.last, "example.se"),
            "EmployeeId": p.number,
            "EmploymentDate": p.hired,
            "EmploymentForm": "TV",
            "FirstName": p.first,
            "ForaType": "-",
            "FullName": f"{p.first} {p.last}",
            "FullTimeEquivalent": Decimal(1),
            "HourlyPay": money(p.salary / Decimal(165)),
            "Inactive": False,
            "JobTitle": p.title,
            "LastName": p.last,
            "MonthlySalary": p.salary,
            "PayslipType": "digital",
            "PersonalIdentityNumber": personal_number(rnd),
            "PersonelType": "TJM",
            "Phone1": a.phone,
            "PostCode": a.zip_code,
            "SalaryForm": "MAN",
            "ScheduleId": "HEL",
            "TaxAllowance": "HUV",
            "TaxColumn": 1,
            "TaxTable": str(rnd.randint(29, 35)),
            "VacationDaysPaid": Decimal(25),
        }
        return shape(values, "Employee")


def _months(ctx: Context) -> list[date]:
    """Pay days (the 25th) from the first financial year up to the data end."""
    out = []
    day = date(ctx.years[0].start.year, 1, 25)
    while day < ctx.as_of:
        out.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 25)
    return out


class _Grid(Source):
    """Position = (period x employees + employee) x per + item; time grows with the position."""

    per = 1

    def __init__(self, ctx: Context, employees: EmployeeSource, periods: list[date]) -> None:
        self.ctx = ctx
        self.employees = employees
        self.periods = periods
        self.size = len(periods) * employees.size * self.per

    def split(self, pos: int) -> tuple[date, int, int]:
        period, rest = divmod(pos, self.employees.size * self.per)
        employee, item = divmod(rest, self.per)
        return self.periods[min(period, len(self.periods) - 1)], employee, item

    def mtime(self, pos: int) -> float:
        day, _, _ = self.split(pos)
        return day_start(day) + 3600 * 17 + pos % (self.employees.size * self.per)


class SalaryTransactionSource(_Grid, NumberedSource):
    per = 2
    touch_field = "TextRow"

    def build(self, pos: int) -> Record:
        day, employee, item = self.split(pos)
        p = self.employees.profile(employee)
        rnd = self.ctx.rng("salarytransactions", pos)
        if item == 0:
            code, text, qty, amount = "11", "Månadslön", Decimal(1), p.salary
        else:
            hours = Decimal(rnd.randint(0, 16))
            code, text, qty, amount = (
                "310",
                "Övertid 50 %",
                hours,
                money(p.salary / 165 * Decimal("1.5")),
            )
        values = {
            "@url": self.ctx.url(f"/salarytransactions/{pos + 1}"),
            "Amount": amount,
            "Date": day,
            "EmployeeId": p.number,
            "Number": qty,
            "SalaryCode": code,
            "SalaryRow": pos + 1,
            "TextRow": f"{text} {day:%Y-%m}",
            "Total": money(qty * amount),
            "VAT": Decimal(0),
        }
        return shape(values, "SalaryTransaction")


class _UuidGrid(_Grid):
    """Transactions keyed by a uuid that ends with the position, so lookups need no index."""

    stream = ""

    def key(self, pos: int) -> str:
        prefix = f"{self.ctx.rng(self.stream, pos).getrandbits(32):08x}"
        return f"{prefix}-5a4d-4b1e-8f00-{pos:012x}"

    def position(self, key: str) -> int | None:
        tail = key.rsplit("-", 1)[-1]
        try:
            pos = int(tail, 16)
        except ValueError:
            return None
        return pos if key == self.key(pos) else None


class AbsenceTransactionSource(_UuidGrid):
    stream = "absencetransactions"
    touch_field = "Project"

    def build(self, pos: int) -> Record:
        day, employee, _ = self.split(pos)
        rnd = self.ctx.rng(self.stream, pos)
        cause = rnd.choice(("SJK", "VAB", "SEM", "SEM", "FPE", "TJL"))
        key = self.key(pos)
        values = {
            "@url": self.ctx.url(f"/absencetransactions/{key}"),
            "CauseCode": cause,
            "Date": day - timedelta(days=rnd.randint(1, 20)),
            "EmployeeId": self.employees.key(employee),
            "Extent": Decimal(100) if rnd.random() < 0.8 else Decimal(50),
            "HolidayEntitling": cause in ("SEM", "VAB", "FPE"),
            "Hours": Decimal(8) if rnd.random() < 0.8 else Decimal(4),
            "id": key,
        }
        return shape(values, "AbsenceTransactionSingleItem")


def _weeks(ctx: Context) -> list[date]:
    """Fridays (the day a week's attendance is reported) up to the data end."""
    day = ctx.years[0].start
    day += timedelta(days=(4 - day.weekday()) % 7)
    out = []
    while day < ctx.as_of:
        out.append(day)
        day += timedelta(days=7)
    return out


class AttendanceTransactionSource(_UuidGrid):
    stream = "attendancetransactions"
    touch_field = "Project"

    def build(self, pos: int) -> Record:
        day, employee, _ = self.split(pos)
        rnd = self.ctx.rng(self.stream, pos)
        key = self.key(pos)
        cause = rnd.choice(("ARB", "ARB", "ARB", "MER", "OB1"))
        hours = Decimal(40) if cause == "ARB" else Decimal(rnd.randint(1, 10))
        values = {
            "@url": self.ctx.url(f"/attendancetransactions/{key}"),
            "CauseCode": cause,
            "Date": day,
            "EmployeeId": self.employees.key(employee),
            "Hours": hours,
            "id": key,
        }
        return shape(values, "AttendanceTransaction")


def salary_sources(ctx: Context, employees: EmployeeSource) -> dict[str, Source]:
    months, weeks = _months(ctx), _weeks(ctx)
    return {
        "salarytransactions": SalaryTransactionSource(ctx, employees, months),
        "absencetransactions": AbsenceTransactionSource(ctx, employees, months),
        "attendancetransactions": AttendanceTransactionSource(ctx, employees, weeks),
    }


EXPENSES = (
    ("MIL", "Milersättning", 5810),
    ("TRAKT", "Traktamente inrikes", 7321),
    ("LOGI", "Logi", 5831),
    ("PARK", "Parkering", 5612),
    ("TAXI", "Taxi", 5800),
)


def expenses(ctx: Context) -> list[dict]:
    return [
        {"@url": ctx.url(f"/expenses/{code}"), "Account": account, "Code": code, "Text": text}
        for code, text, account in EXPENSES
    ]
