"""Payroll: employees and their salary, absence and attendance transactions (scope `salary`)."""

from __future__ import annotations

from tap_fortnox.client import SYNC_STARTED_AT, TENANT_ID, FortnoxStream


class EmployeesStream(FortnoxStream):
    """Employees (a list item is nearly the whole record; `lastmodified` is not accepted)."""

    name = "employees"
    scope = "salary"
    path = "/employees"
    records_key = "Employees"
    primary_keys = (TENANT_ID, "employee_id")


class ExpensesStream(FortnoxStream):
    """Expense types for travel and outlays (a small register; `lastmodified` is rejected)."""

    name = "expenses"
    scope = "salary"
    path = "/expenses"
    records_key = "Expenses"
    primary_keys = (TENANT_ID, "code")


class SalaryTransactionsStream(FortnoxStream):
    name = "salary_transactions"
    scope = "salary"
    path = "/salarytransactions"
    records_key = "SalaryTransactions"
    primary_keys = (TENANT_ID, "salary_row")
    replication_key = SYNC_STARTED_AT


class AbsenceTransactionsStream(FortnoxStream):
    name = "absence_transactions"
    scope = "salary"
    path = "/absencetransactions"
    records_key = "AbsenceTransactions"
    primary_keys = (TENANT_ID, "id")
    replication_key = SYNC_STARTED_AT


class AttendanceTransactionsStream(FortnoxStream):
    name = "attendance_transactions"
    scope = "salary"
    path = "/attendancetransactions"
    records_key = "AttendanceTransactions"
    primary_keys = (TENANT_ID, "id")
    replication_key = SYNC_STARTED_AT
