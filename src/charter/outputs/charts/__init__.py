"""Charts for the HTML and PDF reports: Vega-Lite specifications built from view models' numbers,
drawn as inline SVG by vl-convert (no browser, nothing fetched), each with a title, a text
alternative and the table of its data."""
