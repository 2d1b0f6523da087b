"""The JSON API under /api/v1, documented at /api/v1/openapi.json."""

from flask import Flask

from campaign.extensions import api, csrf


def register_api(app: Flask) -> None:
    from campaign.api import responses
    from campaign.api.endorsements import bp as endorsements_bp
    from campaign.api.signatures import blp as signatures_blp
    from campaign.dashboard.views import blp as open_data_blp

    blueprints: list = [signatures_blp, endorsements_bp, responses.bp, open_data_blp]
    for blueprint in blueprints:
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
