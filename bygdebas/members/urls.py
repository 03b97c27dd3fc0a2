"""The members app's URLs, one module per part, all in the ``members`` namespace.

Staff pages live under /kansli/, the public join form at /bli-medlem/, self-service under /medlem/.
"""

from bygdebas.members import (
    urls_imports,
    urls_membership,
    urls_privacy,
    urls_registry,
    urls_selfservice,
)

app_name = "members"

urlpatterns = [
    *urls_registry.urlpatterns,
    *urls_membership.urlpatterns,
    *urls_imports.urlpatterns,
    *urls_selfservice.urlpatterns,
    *urls_privacy.urlpatterns,
]
