"""Public pages of the endorsements area."""

from flask import Blueprint

bp = Blueprint("endorsements", __name__)
