"""Escalations (`charter escalations`): the conditions a CTO wants raised across domains, each a
pure rule over the Estate and the facts the services gather (ESC001-ESC008)."""
