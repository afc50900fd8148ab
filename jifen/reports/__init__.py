"""Reports: selectors that return rows, the forms offices file and sign (xlsx and print-ready
A4 pages), and charts drawn on the server as SVG."""
