"""Every area's models, imported for the full metadata (Alembic, the shell)."""

from campaign.accounts.models import ROLES, ApiToken, User  # noqa: F401
from campaign.appeals.models import (  # noqa: F401
    APPEAL_STATES,
    TARGET_STATUSES,
    Appeal,
    AppealTranslation,
    Demand,
    DemandTarget,
    DemandTranslation,
    DueDateChange,
    Update,
)
from campaign.audit.models import AuditEntry  # noqa: F401
from campaign.authorities.models import Authority  # noqa: F401
from campaign.chores.models import ChoreRun  # noqa: F401
from campaign.core.datakeys import AppealKey, IpDayKey  # noqa: F401
from campaign.deliveries.models import (  # noqa: F401
    Chaser,
    Delivery,
    DigestRun,
    WorkingDayOverride,
)
from campaign.endorsements.models import Endorsement, Organization  # noqa: F401
from campaign.inbox.models import (  # noqa: F401
    Correspondence,
    CorrespondenceAttachment,
    RedactionRule,
)
from campaign.mail.models import Mailing, OutboxMessage  # noqa: F401
from campaign.names.models import CountryName  # noqa: F401
from campaign.paper.models import PaperBatch, PaperBatchCorrection  # noqa: F401
from campaign.responses.models import Response, StatusChange, response_demands  # noqa: F401
from campaign.signatures.models import (  # noqa: F401
    BlockedEmailDomain,
    BlockedNetwork,
    Signature,
    SignatureCounter,
    SignatureHourly,
)
