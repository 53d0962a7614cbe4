logit --data @TESTS@/golden/formats/shared.sqlite --query "SELECT * FROM lalonde" --formula "treat ~ age + educ + race + re74" --format json
