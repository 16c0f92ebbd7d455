import type { CreateProductRequest } from '@shop/contracts/catalog';

export interface SeedProduct {
  readonly id: string;
  readonly product: CreateProductRequest;
  /** Units on hand per SKU. */
  readonly stock: Readonly<Record<string, number>>;
}

const usd = (amount: number) => ({ amount, currency: 'USD' });

const apparel = (
  id: string,
  name: string,
  description: string,
  skuBase: string,
  price: number,
  sizes: readonly string[],
  colors: readonly string[],
  units: number,
): SeedProduct => {
  const variants = colors.flatMap((color) =>
    sizes.map((size) => ({
      sku: `${skuBase}-${size}-${color.slice(0, 3).toUpperCase()}`,
      name: `${size} / ${color}`,
      attributes: { size, color: color.toLowerCase() },
      price: usd(price),
    })),
  );
  return {
    id,
    product: { name, description, category: 'apparel', variants },
    stock: Object.fromEntries(variants.map((variant) => [variant.sku, units])),
  };
};

const single = (
  id: string,
  category: string,
  name: string,
  description: string,
  sku: string,
  price: number,
  units: number,
): SeedProduct => ({
  id,
  product: { name, description, category, variants: [{ sku, name, attributes: {}, price: usd(price) }] },
  stock: { [sku]: units },
});

/** The demo catalog `npm start` loads: 14 products in 3 categories, ids and SKUs fixed so a re-run changes nothing. */
export const SEED_PRODUCTS: readonly SeedProduct[] = [
  apparel(
    'prd-classic-tee',
    'Classic Tee',
    'A heavyweight cotton t-shirt.',
    'TEE-CLASSIC',
    1900,
    ['S', 'M', 'L'],
    ['Black', 'White'],
    25,
  ),
  apparel(
    'prd-zip-hoodie',
    'Zip Hoodie',
    'Brushed fleece, full zip, two pockets.',
    'HOODIE-ZIP',
    5400,
    ['M', 'L', 'XL'],
    ['Grey', 'Navy'],
    12,
  ),
  apparel(
    'prd-rain-jacket',
    'Rain Jacket',
    'Packable, taped seams, 10k waterproof.',
    'JACKET-RAIN',
    8900,
    ['S', 'M', 'L'],
    ['Yellow'],
    8,
  ),
  apparel(
    'prd-wool-socks',
    'Merino Socks',
    'Merino wool crew socks.',
    'SOCKS-MERINO',
    1400,
    ['M', 'L'],
    ['Charcoal', 'Olive'],
    40,
  ),
  {
    id: 'prd-canvas-cap',
    product: {
      name: 'Canvas Cap',
      description: 'Six-panel cap with an adjustable strap.',
      category: 'apparel',
      variants: [
        { sku: 'CAP-CANVAS-KHA', name: 'Khaki', attributes: { color: 'khaki' }, price: usd(2200) },
        { sku: 'CAP-CANVAS-BLK', name: 'Black', attributes: { color: 'black' }, price: usd(2200) },
      ],
    },
    stock: { 'CAP-CANVAS-KHA': 15, 'CAP-CANVAS-BLK': 3 },
  },
  {
    id: 'prd-chef-knife',
    product: {
      name: "Chef's Knife",
      description: 'Forged stainless steel, full tang.',
      category: 'home-kitchen',
      variants: [
        { sku: 'KNIFE-CHEF-20', name: '20 cm', attributes: { length: '20cm' }, price: usd(7900) },
        { sku: 'KNIFE-CHEF-24', name: '24 cm', attributes: { length: '24cm' }, price: usd(8900) },
      ],
    },
    stock: { 'KNIFE-CHEF-20': 10, 'KNIFE-CHEF-24': 6 },
  },
  single(
    'prd-pour-over',
    'home-kitchen',
    'Pour-Over Coffee Maker',
    'Borosilicate glass, 600 ml.',
    'COFFEE-POUROVER',
    3900,
    20,
  ),
  single(
    'prd-cast-iron-pan',
    'home-kitchen',
    'Cast Iron Skillet',
    'Pre-seasoned, 26 cm.',
    'PAN-CASTIRON-26',
    4500,
    14,
  ),
  {
    id: 'prd-linen-towels',
    product: {
      name: 'Linen Tea Towels',
      description: 'Set of two stonewashed linen towels.',
      category: 'home-kitchen',
      variants: [
        { sku: 'TOWEL-LINEN-NAT', name: 'Natural', attributes: { color: 'natural' }, price: usd(2400) },
        { sku: 'TOWEL-LINEN-RUST', name: 'Rust', attributes: { color: 'rust' }, price: usd(2400) },
      ],
    },
    stock: { 'TOWEL-LINEN-NAT': 30, 'TOWEL-LINEN-RUST': 18 },
  },
  single(
    'prd-ceramic-mug',
    'home-kitchen',
    'Ceramic Mug',
    'Hand-glazed stoneware, 350 ml.',
    'MUG-CERAMIC-350',
    1600,
    50,
  ),
  {
    id: 'prd-wireless-earbuds',
    product: {
      name: 'Wireless Earbuds',
      description: 'Noise cancelling, 24 h battery with the case.',
      category: 'electronics',
      variants: [
        { sku: 'EARBUDS-WL-BLK', name: 'Black', attributes: { color: 'black' }, price: usd(12900) },
        { sku: 'EARBUDS-WL-WHT', name: 'White', attributes: { color: 'white' }, price: usd(12900) },
      ],
    },
    stock: { 'EARBUDS-WL-BLK': 9, 'EARBUDS-WL-WHT': 7 },
  },
  {
    id: 'prd-usb-c-cable',
    product: {
      name: 'USB-C Cable',
      description: 'Braided, 100 W power delivery.',
      category: 'electronics',
      variants: [
        { sku: 'CABLE-USBC-1M', name: '1 m', attributes: { length: '1m' }, price: usd(1500) },
        { sku: 'CABLE-USBC-2M', name: '2 m', attributes: { length: '2m' }, price: usd(1900) },
      ],
    },
    stock: { 'CABLE-USBC-1M': 60, 'CABLE-USBC-2M': 45 },
  },
  single(
    'prd-desk-lamp',
    'electronics',
    'LED Desk Lamp',
    'Dimmable, warm to cool white.',
    'LAMP-DESK-LED',
    4900,
    11,
  ),
  single(
    'prd-power-bank',
    'electronics',
    'Power Bank',
    '10,000 mAh, USB-C in and out.',
    'POWERBANK-10K',
    3500,
    2,
  ),
];
