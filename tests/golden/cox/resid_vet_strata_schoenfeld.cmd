cox --data @DATA@/veteran.csv --formula "Surv(time, status) ~ trt + karno + strata(celltype)" --residuals schoenfeld --format json
