"""Security posture: findings, remediation SLAs, SSVC, Scorecard gaps, controls and OSCAL; pure."""
