"""The risk register: levels by matrix lookup, appetite, and the register report; pure."""
