"""Public pages of the responses area."""

from flask import Blueprint

bp = Blueprint("responses", __name__)
