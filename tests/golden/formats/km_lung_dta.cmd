km --data @TESTS@/golden/formats/lung.dta --formula "Surv(time, status) ~ sex" --format json
