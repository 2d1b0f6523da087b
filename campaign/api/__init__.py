"""The JSON API under /api/v1, documented at /api/v1/openapi.json."""

from flask import Flask

from campaign.extensions import api, csrf


def register_api(app: Flask) -> None:
    from campaign.api import responses

    blueprints: list = [responses.bp]
    for blueprint in blueprints:
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
