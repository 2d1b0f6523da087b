"""The JSON API under /api/v1, documented at /api/v1/openapi.json."""

from flask import Flask

from campaign.extensions import api, csrf


def register_api(app: Flask) -> None:
    from campaign.api.endorsements import bp as endorsements_bp

    blueprints: list = [endorsements_bp]
    for blueprint in blueprints:
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
