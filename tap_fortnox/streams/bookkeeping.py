"""Bookkeeping dimensions: cost centers and projects."""

from __future__ import annotations

from tap_fortnox.client import TENANT_ID, FortnoxStream


class CostCentersStream(FortnoxStream):
    name = "cost_centers"
    path = "/costcenters"
    records_key = "CostCenters"
    detail_key = "CostCenter"
    primary_keys = (TENANT_ID, "code")


class ProjectsStream(FortnoxStream):
    name = "projects"
    path = "/projects"
    records_key = "Projects"
    detail_key = "Project"
    detail_path = "/projects/{ProjectNumber}"
    primary_keys = (TENANT_ID, "project_number")


STREAMS: tuple[type[FortnoxStream], ...] = (CostCentersStream, ProjectsStream)
