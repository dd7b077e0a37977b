/**
 * The DMI id files NFD's `system` source reads (NFD v0.19.0 source/system/system.go): shared by the
 * source and by lint's feature catalogue. Serial numbers and product_uuid are left out on purpose.
 */
export const DMI_ATTRS = [
  'bios_date',
  'bios_vendor',
  'bios_version',
  'board_asset_tag',
  'board_name',
  'board_vendor',
  'board_version',
  'chassis_asset_tag',
  'chassis_type',
  'chassis_vendor',
  'chassis_version',
  'product_family',
  'product_name',
  'product_sku',
  'product_version',
  'sys_vendor',
];
