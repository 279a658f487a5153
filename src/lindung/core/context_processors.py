from lindung.accounts.roles import ADMIN_DINAS, CAMAT, OPERATOR_DESA, OPERATOR_DINAS, PETUGAS_BPJS, PIMPINAN
from lindung.wilayah import deployment
from lindung.wilayah.selectors import regency_name

# The roles that hand cards on or follow them: the card pages in the navigation.
CARD_ROLES = (ADMIN_DINAS.name, OPERATOR_DINAS.name, CAMAT.name, OPERATOR_DESA.name, PIMPINAN.name)
# Who reports, prepares, decides or follows claims: the claims pages in the navigation.
CLAIM_ROLES = (*CARD_ROLES, PETUGAS_BPJS.name)


def lindung(request):
    return {"regency_name": regency_name() or deployment.root(), "card_roles": CARD_ROLES,
            "claim_roles": CLAIM_ROLES}
