"""The API's account endpoint: who the caller is."""

from ninja import Router, Schema

router = Router()


class MeOut(Schema):
    username: str
    role: str | None
    area: str | None


@router.get("/me", response=MeOut, tags=["accounts"])
def me(request):
    role = request.user.role
    return {"username": request.user.username, "role": role.name if role else None, "area": request.user.area_id}
