"""Judge calibration: agreement between a judge's scores and people's, on the 7-point scale."""
