"""The JSON API under /api/v1, documented at /api/v1/openapi.json."""

from flask import Flask


def register_api(app: Flask) -> None:
    """Bind flask-smorest and register every API blueprint. The error schema is set here, not
    in campaign.core.extensions, which must not import the API (the API imports it)."""
    from campaign.api import (
        appeals,
        authorities,
        correspondence,
        deliveries,
        endorsements,
        paper,
        responses,
        signatures,
    )
    from campaign.api.common import BEARER, BEARER_SCHEME, LIMITS, refuse_long_targets
    from campaign.api.schemas.base import ErrorSchema
    from campaign.core.extensions import api, csrf
    from campaign.dashboard import views as open_data

    # Every error response of the document refers to the envelope campaign.core.errors renders.
    api.ERROR_SCHEMA = ErrorSchema
    api.init_app(app)
    api.spec.components.security_scheme(BEARER, BEARER_SCHEME)
    api.spec.options.setdefault("info", {})["description"] = LIMITS
    app.before_request(refuse_long_targets)
    modules = (appeals, authorities, signatures, endorsements, responses, correspondence)
    for module in (*modules, deliveries, paper, open_data):
        csrf.exempt(module.bp)
        api.register_blueprint(module.bp)
