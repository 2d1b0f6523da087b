"""The JSON API under /api/v1, documented at /api/v1/openapi.json."""

from flask import Flask

from campaign.core.extensions import api, csrf


def register_api(app: Flask) -> None:
    from campaign.api import responses
    from campaign.api.appeals import bp as appeals_bp
    from campaign.api.authorities import bp as authorities_bp
    from campaign.api.common import BEARER, BEARER_SCHEME, LIMITS, refuse_long_targets
    from campaign.api.endorsements import bp as endorsements_bp
    from campaign.api.signatures import blp as signatures_blp
    from campaign.dashboard.views import blp as open_data_blp

    api.spec.components.security_scheme(BEARER, BEARER_SCHEME)
    api.spec.options.setdefault("info", {})["description"] = LIMITS
    app.before_request(refuse_long_targets)
    blueprints: list = [
        appeals_bp,
        authorities_bp,
        signatures_blp,
        endorsements_bp,
        responses.bp,
        open_data_blp,
    ]
    for blueprint in blueprints:
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
