"""The API's regions: by their Kemendagri codes, only those the caller may see."""

from django.http import Http404
from ninja import Router, Schema

from lindung.wilayah import selectors as wilayah

router = Router()


class RegionOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent: str | None


def _region(w) -> dict:
    return {"code": w.code, "name": w.name, "level": w.level, "kind": w.kind, "parent": w.parent_id}


@router.get("/regions", response=list[RegionOut], tags=["regions"])
def regions(request, parent: str | None = None):
    """The regions the user may see: their area, what lies inside it and what it lies in."""
    return [_region(w) for w in wilayah.regions_for(request.user, parent=parent)]


@router.get("/regions/{code}", response=RegionOut, tags=["regions"])
def region(request, code: str):
    w = wilayah.region_for(request.user, code)
    if w is None:
        raise Http404
    return _region(w)
