"""What every view model shares: camelCase JSON names (the names users' scripts already read),
times written as `datetime.isoformat()` writes them, and the report's name that picks its layout."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, PlainSerializer
from pydantic.alias_generators import to_camel

# Times and days as the reports have always written them (`+00:00`, not Pydantic's `Z`).
IsoDateTime = Annotated[datetime, PlainSerializer(lambda value: value.isoformat(), return_type=str)]
IsoDate = Annotated[date, PlainSerializer(lambda value: value.isoformat(), return_type=str)]


class View(BaseModel):
    """A part of a report: frozen, named in camelCase in JSON."""

    # Built when first used: most commands render one report, and import the views of several.
    model_config = ConfigDict(frozen=True, alias_generator=to_camel, populate_by_name=True, defer_build=True)


class ReportView(View):
    """A whole report. `report` names it: the layout in `outputs/reports/` registered under that
    name turns it into a Document for the text formats."""

    report: ClassVar[str]

    def as_data(self) -> Any:
        """The report as JSON-ready data, with its JSON names."""
        return self.model_dump(mode="json", by_alias=True)
