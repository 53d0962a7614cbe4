km --data @TESTS@/golden/formats/shared.sqlite --query "SELECT time, status, sex FROM lung" --formula "Surv(time, status) ~ sex" --format json
