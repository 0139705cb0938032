/**
 * The five customer groups planted by the generator, after the groups the reference case study
 * found on an e-commerce platform. Rates are per customer per year of the observation window;
 * the generator blends a customer's profile with a second group's now and then, so groups
 * overlap as real ones do.
 *
 * @module
 */

export const CATEGORIES = [
  "digital",
  "apparel",
  "beauty",
  "home",
  "grocery",
  "sports",
  "books",
] as const;
export type Category = typeof CATEGORIES[number];

/** Typical unit price per category, in the shop's currency. */
export const BASE_PRICE: Record<Category, number> = {
  digital: 120,
  apparel: 45,
  beauty: 30,
  home: 60,
  grocery: 20,
  sports: 50,
  books: 15,
};

export const CHANNELS = ["app", "web", "store"] as const;
export const EVENT_TYPES = ["view", "search", "cart", "wishlist"] as const;
export const SOCIAL_KINDS = ["like", "share", "comment", "follow"] as const;
export const REGIONS = ["north", "south", "east", "west", "central"] as const;

export interface Profile {
  id: number;
  name: string;
  /** Share of customers in this group. */
  share: number;
  orders: number;
  orderCategories: number[];
  events: number;
  eventCategories: number[];
  /** Probability that an event is view, search, cart, wishlist. */
  eventTypes: number[];
  discountProb: number;
  discountMean: number;
  promoProb: number;
  priceLevel: number;
  social: number;
  socialKinds: number[];
  newProductShare: number;
  channels: number[];
  texts: number;
  /** Probability that a text is positive, neutral, negative. */
  sentiment: number[];
  age: [number, number];
  femaleShare: number;
}

const uniform = CATEGORIES.map(() => 1 / CATEGORIES.length);

export const PROFILES: Profile[] = [
  {
    id: 1,
    name: "high-frequency buyers who prefer digital products",
    share: 0.22,
    orders: 16,
    orderCategories: [0.62, 0.05, 0.03, 0.1, 0.05, 0.05, 0.1],
    events: 28,
    eventCategories: [0.6, 0.05, 0.05, 0.1, 0.05, 0.05, 0.1],
    eventTypes: [0.6, 0.25, 0.1, 0.05],
    discountProb: 0.15,
    discountMean: 0.1,
    promoProb: 0.1,
    priceLevel: 1.15,
    social: 3,
    socialKinds: [0.5, 0.1, 0.3, 0.1],
    newProductShare: 0.3,
    channels: [0.7, 0.25, 0.05],
    texts: 1.4,
    sentiment: [0.72, 0.18, 0.1],
    age: [32, 8],
    femaleShare: 0.35,
  },
  {
    id: 2,
    name: "browsing concentrated on apparel and beauty",
    share: 0.22,
    orders: 5,
    orderCategories: [0.03, 0.47, 0.4, 0.04, 0.02, 0.02, 0.02],
    events: 60,
    eventCategories: [0.02, 0.5, 0.4, 0.03, 0.02, 0.02, 0.01],
    eventTypes: [0.7, 0.1, 0.12, 0.08],
    discountProb: 0.25,
    discountMean: 0.15,
    promoProb: 0.2,
    priceLevel: 1.0,
    social: 4,
    socialKinds: [0.6, 0.1, 0.2, 0.1],
    newProductShare: 0.35,
    channels: [0.4, 0.5, 0.1],
    texts: 1.2,
    sentiment: [0.65, 0.2, 0.15],
    age: [29, 7],
    femaleShare: 0.78,
  },
  {
    id: 3,
    name: "socially active, following new products",
    share: 0.18,
    orders: 5,
    orderCategories: [0.2, 0.2, 0.2, 0.08, 0.04, 0.2, 0.08],
    events: 30,
    eventCategories: [0.2, 0.2, 0.2, 0.08, 0.04, 0.2, 0.08],
    eventTypes: [0.65, 0.15, 0.12, 0.08],
    discountProb: 0.2,
    discountMean: 0.12,
    promoProb: 0.15,
    priceLevel: 1.05,
    social: 45,
    socialKinds: [0.35, 0.3, 0.2, 0.15],
    newProductShare: 0.75,
    channels: [0.8, 0.15, 0.05],
    texts: 3,
    sentiment: [0.7, 0.2, 0.1],
    age: [25, 5],
    femaleShare: 0.55,
  },
  {
    id: 4,
    name: "price sensitive, drawn by promotions and discounts",
    share: 0.2,
    orders: 8,
    orderCategories: [0.08, 0.15, 0.08, 0.25, 0.3, 0.08, 0.06],
    events: 25,
    eventCategories: [0.08, 0.15, 0.08, 0.25, 0.3, 0.08, 0.06],
    eventTypes: [0.6, 0.25, 0.1, 0.05],
    discountProb: 0.85,
    discountMean: 0.35,
    promoProb: 0.7,
    priceLevel: 0.7,
    social: 3,
    socialKinds: [0.5, 0.2, 0.2, 0.1],
    newProductShare: 0.2,
    channels: [0.35, 0.45, 0.2],
    texts: 1.2,
    sentiment: [0.45, 0.2, 0.35],
    age: [45, 12],
    femaleShare: 0.5,
  },
  {
    id: 5,
    name: "broad browsing, few purchases",
    share: 0.18,
    orders: 1,
    orderCategories: uniform,
    events: 90,
    eventCategories: uniform,
    eventTypes: [0.72, 0.18, 0.07, 0.03],
    discountProb: 0.3,
    discountMean: 0.15,
    promoProb: 0.25,
    priceLevel: 0.95,
    social: 4,
    socialKinds: [0.6, 0.1, 0.2, 0.1],
    newProductShare: 0.3,
    channels: [0.3, 0.6, 0.1],
    texts: 0.6,
    sentiment: [0.25, 0.6, 0.15],
    age: [36, 12],
    femaleShare: 0.5,
  },
];
