// The made-up catalogue the demo shop shows: id, name, price in cents, a colour pair for its swatch.
export const PRODUCTS = [
  { id: 'p01', name: 'River stone paperweight', price: 1800, colors: ['#8d99ae', '#2b2d42'], text: 'Smooth, heavy, keeps receipts where they belong.' },
  { id: 'p02', name: 'Pine desk tray', price: 3400, colors: ['#e9c46a', '#a17c3a'], text: 'Solid pine, oiled, one groove for pens.' },
  { id: 'p03', name: 'Moss notebook', price: 1200, colors: ['#7fb069', '#386641'], text: '96 dotted pages that lie flat.' },
  { id: 'p04', name: 'Slate coaster set', price: 2200, colors: ['#5c677d', '#33415c'], text: 'Four coasters cut from Welsh slate.' },
  { id: 'p05', name: 'Clay pen cup', price: 1600, colors: ['#e07a5f', '#9c4a35'], text: 'Hand-thrown, unglazed outside.' },
  { id: 'p06', name: 'Linen cable wrap', price: 900, colors: ['#f2e8cf', '#bc9f6f'], text: 'Keeps one charger tidy.' },
  { id: 'p07', name: 'Oak monitor riser', price: 7900, colors: ['#c68b59', '#7f5539'], text: 'Lifts the screen by 9 cm, stores the keyboard.' },
  { id: 'p08', name: 'Wool desk mat', price: 4500, colors: ['#adb5bd', '#6c757d'], text: 'Felted, 80 × 30 cm, quiet under the mouse.' },
  { id: 'p09', name: 'Brass bookmark', price: 800, colors: ['#dda15e', '#a9742f'], text: 'Thin enough to close the book on.' },
  { id: 'p10', name: 'Cork pin board', price: 2600, colors: ['#d4a373', '#936639'], text: 'For the three notes that matter.' },
  { id: 'p11', name: 'Glass water carafe', price: 3100, colors: ['#a8dadc', '#457b9d'], text: 'One litre, with a cup for a lid.' },
  { id: 'p12', name: 'Fern desk plant', price: 1900, colors: ['#95d5b2', '#2d6a4f'], text: 'Forgiving, likes indirect light.' },
];

/** The product with `id`, or undefined. */
export function productById(id) {
  return PRODUCTS.find((p) => p.id === id);
}

/** A price in cents as euros, e.g. `€18.00`. */
export function formatPrice(cents) {
  return `€${(cents / 100).toFixed(2)}`;
}
