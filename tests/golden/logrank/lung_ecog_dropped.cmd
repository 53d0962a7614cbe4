logrank --data @DATA@/lung.csv --formula "Surv(time, status) ~ ph.ecog" --format json
