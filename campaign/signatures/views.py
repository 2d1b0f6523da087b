"""Public pages of the signatures area."""

from flask import Blueprint

bp = Blueprint("signatures", __name__)
