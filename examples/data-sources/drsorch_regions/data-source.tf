data "drsorch_regions" "europe" {
  geography = "Europe"
}

# Discover source servers in every European DRS region.
data "drsorch_source_servers" "europe" {
  regions = data.drsorch_regions.europe.codes
}
