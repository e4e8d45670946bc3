import NTMCatalogue
let c = try Catalogue.embedded()
print(c.criteria.count, c.indicators.count)
